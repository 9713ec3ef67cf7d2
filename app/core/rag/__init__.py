"""Documents: loaders (files -> sections), OCR, chunking, embeddings, index, ingest."""
