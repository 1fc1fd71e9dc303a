-- No query looks receipts up by message id (the CLI matches them in memory, rejections have their own index);
-- the index cost one b-tree insert per delivery on the ingest hot path.
DROP INDEX IF EXISTS ix_receipts_message;
