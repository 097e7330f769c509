-- API tokens minted through POST /api/v1/tokens: their claims (never the token itself) and revocation.
CREATE TABLE api_tokens (
  id TEXT NOT NULL PRIMARY KEY,
  role TEXT NOT NULL,
  subject TEXT NOT NULL,
  devices TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT
);

CREATE INDEX api_tokens_revoked ON api_tokens (revoked_at);
