"""Quiz writing (知识竞赛): draft items whose answers are checked against the cited source."""
