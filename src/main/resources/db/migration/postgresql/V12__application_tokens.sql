-- Application tokens (role application): the application-server ids each may wake devices for, as a JSON
-- array; NULL for the other roles (as sqlite/V12 of the appserver branch).
ALTER TABLE api_tokens ADD COLUMN application_servers TEXT;
