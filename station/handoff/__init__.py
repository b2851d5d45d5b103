"""The handoff to the courier: loads scanned at the dock, closed with a signed manifest."""
