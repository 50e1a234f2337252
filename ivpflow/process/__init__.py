"""What a coordinator does to a process: start it, advance and reopen its phases, record what
is done and decided, name the people in its roles, and keep its meetings. Every command is
one unit of work of the store's writer (`store.writer.change`)."""
