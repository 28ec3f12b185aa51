-- Searches ask for the newest label of an embedder on every call; with the label in the index that is one lookup.
DROP INDEX omics_embeddings_embedder;
CREATE INDEX omics_embeddings_embedder_label ON omics_embeddings (embedder, model_hash, label);
-- Embedding progress, exports and summaries read one run's vectors.
CREATE INDEX omics_embeddings_run ON omics_embeddings (run_id);
