"""OAI-PMH provider over the union catalog."""
