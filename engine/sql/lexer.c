/* lexer.c — placeholder; being written. */
