"""The edge between the front ends (cli, ui, agent) and the tools: the only part of copilot/ that
opens the ledger or the chain. Each function calls ``tools/`` and returns JSON-ready data or
typed records; no Typer, Gradio or LangChain here."""
