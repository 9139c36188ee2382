// A schema's first complaint as a sentence a person reads at once ("stake must
// be a number", "\"extra\" is not a field here"), not valibot's own wording
// ("Invalid key: Expected never but received \"extra\""). Messages our schemas
// write themselves are kept, with the field named first.
import type * as v from "valibot";

type Issue = v.BaseIssue<unknown>;

const KIND: Record<string, string> = { number: "a number", string: "text", boolean: "true or false", Object: "an object", Array: "a list" };

function received(issue: Issue): string {
  return issue.received === "undefined" ? "nothing" : issue.received;
}

function fieldOf(issue: Issue): string {
  return issue.path?.map((p) => String(p.key)).join(".") || "the value";
}

export function issueText(issue: Issue): string {
  const sub = (issue as { issues?: Issue[] }).issues;
  if (issue.type === "union" && sub?.length) return issueText(sub[0]);
  const field = fieldOf(issue);
  const requirement = (issue as { requirement?: unknown }).requirement;
  // Our own messages (they do not start with valibot's "Invalid").
  if (!issue.message.startsWith("Invalid ")) return issue.message.startsWith("must ") ? `${field} ${issue.message}` : `${field}: ${issue.message}`;
  if (issue.kind === "schema") {
    if (issue.expected === "never") return `${JSON.stringify(issue.path?.at(-1)?.key)} is not a field here`;
    if (issue.received === "undefined") return `${field} is required`;
    const expected = (issue.expected ?? "").replace(/^\((.*)\)$/, "$1");
    if (expected.includes("|")) return `${field} must be one of ${expected.split(" | ").join(", ")}`;
    return `${field} must be ${KIND[expected] ?? expected}, not ${received(issue)}`;
  }
  switch (issue.type) {
    case "min_value":
      return `${field} must be at least ${String(requirement)}`;
    case "max_value":
      return `${field} must be at most ${String(requirement)}`;
    case "min_length":
      return `${field} must have at least ${String(requirement)} ${typeof issue.input === "string" ? "characters" : "items"}`;
    case "max_length":
      return `${field} must have at most ${String(requirement)} ${typeof issue.input === "string" ? "characters" : "items"}`;
    case "integer":
    case "safe_integer":
      return `${field} must be a whole number`;
    default:
      return `${field} is not valid (${issue.message})`;
  }
}
