-- An approved report reopened by the office for a replacement (issue 14): the period goes back to draft, and the signer's
-- next approval issues a new document under a new number that names the one it replaces (Decree 30/2020 Art. 18.3).
ALTER TABLE approvals ADD COLUMN replacing INTEGER NOT NULL DEFAULT 0;
