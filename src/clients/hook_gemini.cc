// Gemini CLI: the BeforeTool command hook (settings.json "hooks").
//
// Documentation: https://geminicli.com/docs/hooks/reference (= docs/hooks/reference.md in
// github.com/google-gemini/gemini-cli), "Global hook mechanics", "Base input schema", "Common
// output fields" and "BeforeTool"; tool parameters from https://geminicli.com/docs/tools
// (docs/tools/shell.md, file-system.md, multi-file.md). The "ask" decision is implemented
// (gemini-cli PR #21146, packages/core/src/hooks/types.ts: HookDecision = 'ask' | 'block' |
// 'deny' | 'approve' | 'allow') but not yet in the reference (issue #28046).
//
// stdin (one JSON object):
//   session_id, transcript_path, cwd, hook_event_name ("BeforeTool"), timestamp, tool_name,
//   tool_input, mcp_context (MCP tools)
//   tool_input by tool:
//     run_shell_command     command, description, dir_path (formerly directory; relative to
//                           the project root)
//     read_file             file_path (formerly absolute_path, path), offset, limit
//     read_many_files       paths[], include[], exclude[]
//     write_file            file_path, content
//     replace               file_path, old_string, new_string, expected_replacements
//     list_directory        dir_path (formerly path); glob, search_file_content,
//                           grep_search: pattern, dir_path or path (optional)
//     web_fetch, google_web_search, save_memory, MCP tools (mcp__SERVER__TOOL): not files
// stdout on exit 0 (only the final JSON may be printed):
//   {"decision":"allow"} · {"decision":"deny","reason":"…"} (the reason goes to the agent as
//   the tool's error; the turn continues) · {"decision":"ask","reason":"…","systemMessage":"…"}
//   (forces the user's confirmation; systemMessage is shown to the user) · {} (no opinion).
//   Exit 2: blocks, stderr is the reason. Other exit codes: a warning, the call goes ahead.
//
// Mapping: run_shell_command → exec (cwd = payload cwd, or dir_path under it); read_file,
// read_many_files (each path or pattern), list_directory, glob, searches → file read;
// write_file, replace → file write; web_fetch → an http GET per URL in its prompt; MCP tools
// (mcp_context: server_name, tool_name; or the older mcp__SERVER__TOOL) → mcp. Passed
// deliberately (PassedTool): web searches, memory, to-dos, questions, plans, skills. Every other
// tool is an mcp request from "gemini:builtin" that the policy decides. ask → deny with the
// reason (headless Gemini hangs on an ask). No rule matched and the default allows: {}.
#include <algorithm>
#include <iterator>

#include "clients/hook_payload.h"
#include "core/path.h"

namespace warden::clients::hook_internal {
namespace {

constexpr std::string_view kEvent = "BeforeTool";

Result<HookCall> ShellCall(HookCall&& call, const Fields& input, Place place) {
  auto command = input.String("command", kMaxCommandBytes);
  if (!command.ok()) return command.status();
  auto dir = input.OptionalStringAlias({"dir_path", "directory"});
  if (!dir.ok()) return dir.status();
  if (dir->has_value() && !(*dir)->empty()) {
    if ((*dir)->find('\0') != std::string::npos) {
      return Status::InvalidArgument(input.Name("dir_path") + " contains a NUL byte");
    }
    place.cwd = ResolvePath(**dir, place.cwd, place.home);
  }
  call.requests.push_back(ExecRequest(place, std::move(command).value()));
  call.shell_input = json::serialize(input.object());  // for --sandbox's rewrite
  return call;
}

Result<HookCall> FileCall(HookCall&& call, const Fields& input, const Place& place, shell::FileOp op,
                          std::initializer_list<std::string_view> keys) {
  auto path = input.StringAlias(keys);
  if (!path.ok()) return path.status();
  auto request = FileRequest(place, op, *path, input.Name(*keys.begin()));
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

// Directory listings and searches read under their directory (the cwd when left out).
Result<HookCall> SearchCall(HookCall&& call, const Fields& input, const Place& place) {
  auto dir = input.OptionalStringAlias({"dir_path", "path"});
  if (!dir.ok()) return dir.status();
  std::string path = dir->has_value() && !(*dir)->empty() ? **dir : place.cwd;
  auto request = FileRequest(place, shell::FileOp::kRead, path, input.Name("dir_path"));
  if (!request.ok()) return request.status();
  request->recursive = call.tool != "list_directory";  // glob and the searches walk the whole tree
  call.requests.push_back(std::move(request).value());
  return call;
}

// Each path or glob pattern is decided as a read of that path.
Result<HookCall> ReadManyCall(HookCall&& call, const Fields& input, const Place& place) {
  for (std::string_view key : {"paths", "include"}) {
    const json::value* list = input.Find(key);
    if (list == nullptr) continue;
    if (!list->is_array()) return Status::InvalidArgument(input.Name(key) + " must be a list of strings");
    for (const json::value& p : list->get_array()) {
      if (!p.is_string() || p.get_string().size() > kMaxFieldBytes) {
        return Status::InvalidArgument(input.Name(key) + "[] must be strings of at most " +
                                       std::to_string(kMaxFieldBytes) + " bytes");
      }
      auto request = FileRequest(place, shell::FileOp::kRead, std::string_view(p.get_string()), input.Name(key) + "[]");
      if (!request.ok()) return request.status();
      call.requests.push_back(std::move(request).value());
    }
  }
  if (call.requests.empty()) return Status::InvalidArgument(input.Name("paths") + " is missing or empty");
  return call;
}

// web_fetch: Gemini CLI takes a prompt with the URLs in it (up to 20), Qwen Code a `url` and a
// prompt: every http(s) URL in either is decided as a GET.
Result<HookCall> WebFetchCall(HookCall&& call, const Fields& input, const Place& place) {
  bool any_field = false;
  for (std::string_view key : {"url", "prompt"}) {
    auto field = input.OptionalString(key, kMaxCommandBytes);
    if (!field.ok()) return field.status();
    if (!field->has_value()) continue;
    any_field = true;
    std::string_view text = **field;
    for (size_t at = 0; (at = text.find("http", at)) != std::string_view::npos;) {
      std::string_view rest = text.substr(at);
      if (!rest.starts_with("http://") && !rest.starts_with("https://")) {
        at += 4;
        continue;
      }
      std::string_view url = rest.substr(0, rest.find_first_of(" \t\r\n\"'<>()[]{}`"));
      while (!url.empty() && (url.back() == '.' || url.back() == ',' || url.back() == ';')) url.remove_suffix(1);
      auto request = HttpRequest(place, url, input.Name(key));
      if (!request.ok()) return request.status();
      call.requests.push_back(std::move(request).value());
      at += url.size();
    }
  }
  if (!any_field) return Status::InvalidArgument(input.Name("prompt") + " is missing");
  if (call.requests.empty()) return Unsupported(std::move(call), "web_fetch: no URL in its input");
  return call;
}

// An MCP tool: mcp_context names the server and the tool's own name (the tool_name
// "mcp_SERVER_TOOL" cannot be split when either has an underscore).
Result<HookCall> McpCall(HookCall&& call, const Fields& context, const Fields& input, const Place& place) {
  auto server = context.String("server_name", policy::kMaxNameBytes);
  if (!server.ok()) return server.status();
  auto tool = context.String("tool_name", policy::kMaxNameBytes);
  if (!tool.ok()) return tool.status();
  auto request = McpRequest(place, "mcp__" + *server + "__" + *tool, input.object());
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

// Tools that change nothing outside the conversation, or whose effects are decided elsewhere:
// searches, memory, to-dos, questions, plans, skills, topics, the output of background commands
// decided when they started, subagents (their tool calls come through the hook). Gemini CLI 0.61.
bool PassedTool(std::string_view tool) {
  static constexpr std::string_view kPassed[] = {"google_web_search", "save_memory", "write_todos", "ask_user",
                                                 "activate_skill", "enter_plan_mode", "exit_plan_mode",
                                                 "complete_task", "get_internal_docs", "update_topic",
                                                 "list_background_processes", "read_background_output",
                                                 "invoke_agent",
                                                 // Qwen Code's names for the same kinds of tool
                                                 "todo_write", "web_search", "task", "agent", "skill",
                                                 "send_message", "task_stop", "tool_search",
                                                 "ask_user_question"};
  return std::find(std::begin(kPassed), std::end(kPassed), tool) != std::end(kPassed);
}

Result<HookCall> ToolCall(HookCall&& call, const Fields& input, const Place& place) {
  const std::string& tool = call.tool;
  if (tool == "run_shell_command" || tool == "monitor") return ShellCall(std::move(call), input, place);  // monitor: Qwen
  if (tool == "read_file") {
    return FileCall(std::move(call), input, place, shell::FileOp::kRead, {"file_path", "absolute_path", "path"});
  }
  if (tool == "read_many_files") return ReadManyCall(std::move(call), input, place);
  if (tool == "write_file" || tool == "replace" || tool == "edit") {  // edit: Qwen Code
    return FileCall(std::move(call), input, place, shell::FileOp::kWrite, {"file_path"});
  }
  if (tool == "list_directory" || tool == "ls" || tool == "glob" || tool == "search_file_content" ||
      tool == "grep_search") {
    return SearchCall(std::move(call), input, place);
  }
  if (tool == "web_fetch") return WebFetchCall(std::move(call), input, place);
  if (IsMcpTool(tool)) {
    auto request = McpRequest(place, tool, input.object());
    if (!request.ok()) return request.status();
    call.requests.push_back(std::move(request).value());
    return call;
  }
  if (PassedTool(tool)) return Unsupported(std::move(call), tool + ": nothing for Warden to decide (docs/HOOKS.md)");
  // Any other tool (read_mcp_resource, tools added later) is a fact the policy decides.
  auto request = AgentToolRequest(place, call.agent, tool, input.object());
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

}  // namespace

Result<HookCall> ParseGemini(const json::object& payload, const HookDefaults& defaults) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = Agent::kGemini;
  auto event = fields.String("hook_event_name");
  if (!event.ok()) return event.status();
  call.event = std::move(event).value();
  if (call.event != kEvent) return Unsupported(std::move(call), "the " + call.event + " event is not checked");
  auto tool = fields.String("tool_name");
  if (!tool.ok()) return tool.status();
  call.tool = std::move(tool).value();
  auto input = fields.Object("tool_input");
  if (!input.ok()) return input.status();
  auto cwd = fields.OptionalString("cwd");
  if (!cwd.ok()) return cwd.status();
  auto place = PlaceFor(*cwd, "cwd", std::nullopt, defaults);
  if (!place.ok()) return place.status();
  return GeminiToolCall(std::move(call), fields, *input, *place);
}

Result<HookCall> GeminiToolCall(HookCall&& call, const Fields& payload, const Fields& input, const Place& place) {
  if (payload.Find("mcp_context") != nullptr) {
    auto context = payload.Object("mcp_context");
    if (!context.ok()) return context.status();
    return McpCall(std::move(call), *context, input, place);
  }
  return ToolCall(std::move(call), input, place);
}

HookAnswer RenderGemini(const HookCall& call, policy::Decision decision, const std::string& message) {
  json::object out;
  if (call.unsupported.empty()) {
    // Headless Gemini waits forever for the confirmation an "ask" requests: a person has to
    // approve, so the call is refused with the reason instead of hanging the agent.
    const bool deny = decision != policy::Decision::kAllow;
    out["decision"] = deny ? "deny" : "allow";
    if (deny) out["reason"] = message;
    if (decision == policy::Decision::kAsk) out["systemMessage"] = message;
  }
  return HookAnswer{JsonLine(out), "", 0};
}

HookAnswer RenderGeminiRewrite(const json::object& tool_input, bool allow) {
  // Gemini CLI 0.61 builds the tool again from hookSpecificOutput.tool_input alone (the
  // scheduler's path; the older one merges it into the sent input), so it carries every field
  // the agent sent — dir_path too, so the command runs where it would have. Without a decision,
  // Gemini's own policy and confirmation go on, on the rewritten input.
  json::object specific;
  specific["hookEventName"] = kEvent;
  specific["tool_input"] = tool_input;
  json::object out;
  if (allow) out["decision"] = "allow";
  out["hookSpecificOutput"] = std::move(specific);
  return HookAnswer{JsonLine(out), "", 0};
}

HookAnswer RenderGeminiError(const std::string& message) {
  json::object out;
  out["decision"] = "deny";
  out["reason"] = message;
  return HookAnswer{JsonLine(out), message + "\n", 2};
}

}  // namespace warden::clients::hook_internal
