"""Study material (学习会): a passage in its context, topic digests across documents, study packs."""
