/* cast.c — placeholder; being written. */
