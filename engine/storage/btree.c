/* btree.c — placeholder; being written. */
