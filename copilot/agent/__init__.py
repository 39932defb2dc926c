"""The conversational copilot: a LangGraph state machine over typed tools, with governance,
human approval before every mint and a numbers guard (react-agent shape: graph, state, prompts,
context, toolset, enforce, guard, llm, offline, render, session)."""
