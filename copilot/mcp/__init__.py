"""The copilot over the Model Context Protocol: ``python app.py mcp`` (see docs/mcp.md).

``server`` builds the ``MCPServer`` and serves it (stdio or streamable HTTP); ``gate`` runs the
typed tools behind the chat's governance; ``pending`` turns ``mint`` and ``execute`` into approval
requests a person decides; ``resources`` and ``prompts`` hold what the server's resources and
prompts return.
"""
