"""In-process fakes of the services exprun talks to."""
