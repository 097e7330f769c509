-- Application tokens (role application): the application-server ids each may wake devices for, as a JSON
-- array; NULL for the other roles.
ALTER TABLE api_tokens ADD COLUMN application_servers TEXT;
