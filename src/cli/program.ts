import { Command, Help, type Argument, type Option } from "commander";

/**
 * A usage problem (exit 2): unknown options and commands, missing or invalid values, options
 * that do not apply. It prints like every other error of the CLI, `error [code] message`, with
 * what to do on an indented line below when there is a hint.
 */
export class UsageError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    this.code = code;
    if (hint !== undefined) this.hint = hint;
  }
}

/** `a, b, c` → `a, b o c`. */
export const orList = (items: string[]): string => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} o ${items[items.length - 1]}`);

/** `masb compute`, `masb`: the command as the user typed it, for hints. */
const commandPath = (cmd: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
};

/** The long flag of commander's `--out <archivo>` or `-h, --help`. */
const flagOf = (flags: string): string => flags.split(/[ ,|]+/).find((f) => f.startsWith("--")) ?? flags.split(/[ ,|]+/)[0];

/**
 * commander's own error, in Spanish, with a code of ours. commander builds its messages in
 * English before calling `error()`; their parts (the option, the value, the choices) are read
 * back from them, by code. The CLI's test battery (tests/cli-spanish.test.ts) fails on any
 * English phrase, so a new commander wording shows up there.
 */
export function usageErrorOf(cmd: Command, message: string, code: string | undefined): UsageError {
  const text = message.replace(/^error:\s*/, "");
  const help = `${commandPath(cmd)} --help muestra ${cmd.parent ? "sus opciones" : "los comandos y sus opciones"}`;
  const suggestion = (s: string | undefined) => (s ? `; ¿quiso decir ${s}?` : "");
  let m: RegExpExecArray | null;
  switch (code) {
    case "commander.unknownOption":
      m = /unknown option '([^']*)'(?:\s*\(Did you mean (.+?)\?\))?/.exec(text);
      return new UsageError("MASB_USO_OPCION_DESCONOCIDA", `opción desconocida '${m?.[1] ?? ""}' de ${commandPath(cmd)}${suggestion(m?.[2])}`, help);
    case "commander.unknownCommand":
      m = /unknown command '([^']*)'(?:\s*\(Did you mean (.+?)\?\))?/.exec(text);
      return new UsageError("MASB_USO_COMANDO_DESCONOCIDO", `'${m?.[1] ?? ""}' no es un comando de masb${suggestion(m?.[2])}`, "masb --help muestra los comandos");
    case "commander.missingArgument":
      m = /missing required argument '([^']*)'/.exec(text);
      return new UsageError("MASB_USO_FALTA_ARGUMENTO", `falta el argumento <${m?.[1] ?? ""}> de ${commandPath(cmd)}`, help);
    case "commander.optionMissingArgument":
      m = /option '([^']*)' argument missing/.exec(text);
      return new UsageError("MASB_USO_FALTA_VALOR", `a la opción ${m ? m[1] : ""} le falta su valor`, help);
    case "commander.missingMandatoryOptionValue":
      m = /required option '([^']*)' not specified/.exec(text);
      return new UsageError("MASB_USO_FALTA_OPCION", `${commandPath(cmd)} necesita la opción ${m ? m[1] : ""}`, help);
    case "commander.invalidArgument": {
      m = /option '([^']*)' argument '(.*)' is invalid\.(?: Allowed choices are (.*)\.)?/.exec(text);
      if (m) return new UsageError("MASB_USO_VALOR_INVALIDO", `${flagOf(m[1])}: valor '${m[2]}' no admitido${m[3] ? `; use ${orList(m[3].split(", "))}` : ""}`, help);
      m = /command-argument value '(.*)' is invalid for argument '([^']*)'\.(?: Allowed choices are (.*)\.)?/.exec(text);
      return new UsageError("MASB_USO_VALOR_INVALIDO", `<${m?.[2] ?? ""}>: valor '${m?.[1] ?? ""}' no admitido${m?.[3] ? `; use ${orList(m[3].split(", "))}` : ""}`, help);
    }
    case "commander.excessArguments": {
      m = /Expected (\d+) arguments? but got (\d+)/.exec(text);
      const expected = Number(m?.[1] ?? 0);
      return new UsageError(
        "MASB_USO_ARGUMENTOS_DE_MAS",
        `${commandPath(cmd)} recibe ${expected === 0 ? "ningún argumento" : expected === 1 ? "un argumento" : `${expected} argumentos`} y recibió ${m?.[2] ?? "más"}`,
        "si una ruta tiene espacios, escríbala entre comillas; " + help,
      );
    }
    case "commander.conflictingOption":
      m = /'([^']*)' cannot be used with (?:option|environment variable) '([^']*)'/.exec(text);
      return new UsageError("MASB_USO_OPCIONES_INCOMPATIBLES", `${m ? flagOf(m[1]) : "una opción"} no se puede usar con ${m ? flagOf(m[2]) : "otra"}`, help);
    default:
      return new UsageError("MASB_USO", `los argumentos de ${commandPath(cmd)} no se entienden`, help);
  }
}

/** Words of the usage line: `[opciones]`, `[comando]`, and the arguments. */
function usageWords(cmd: Command): string {
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
  return [cmd.options.length || cmd.commands.length ? "[opciones]" : "", cmd.commands.length ? "[comando]" : "", ...args].filter(Boolean).join(" ");
}

/** What a value may be and what it is by default, in Spanish. */
function extra(choices: readonly string[] | undefined, defaultValue: unknown, defaultDescription: string | undefined, show: boolean): string {
  const parts: string[] = [];
  if (choices) parts.push(`valores: ${orList([...choices])}`);
  if (show && defaultValue !== undefined) parts.push(`por omisión: ${defaultDescription ?? String(defaultValue)}`);
  return parts.length ? `(${parts.join("; ")})` : "";
}

/** commander's help with Spanish headings, usage and value notes. */
export class SpanishHelp extends Help {
  override commandUsage(cmd: Command): string {
    return `${commandPath(cmd)} ${usageWords(cmd)}`.trimEnd();
  }

  override subcommandTerm(cmd: Command): string {
    return `${cmd.name()} ${usageWords(cmd)}`.trimEnd();
  }

  override optionDescription(option: Option): string {
    const note = extra(option.argChoices, option.defaultValue, option.defaultValueDescription, option.required || option.optional);
    return [option.description, note].filter(Boolean).join(" ");
  }

  override argumentDescription(argument: Argument): string {
    const note = extra(argument.argChoices, argument.defaultValue, argument.defaultValueDescription, true);
    return [argument.description, note].filter(Boolean).join(" ");
  }

  override formatHelp(cmd: Command, helper: Help): string {
    const width = helper.padWidth(cmd, helper);
    const item = (term: string, description: string) => helper.formatItem(term, width, description, helper);
    const section = (title: string, items: string[]) => (items.length ? [title, ...items, ""] : []);
    const description = helper.commandDescription(cmd);
    return [
      `Uso: ${helper.commandUsage(cmd)}`,
      "",
      ...(description ? [helper.boxWrap(description, helper.helpWidth ?? 80), ""] : []),
      ...section("Argumentos:", helper.visibleArguments(cmd).map((a) => item(helper.argumentTerm(a), helper.argumentDescription(a)))),
      ...section("Opciones:", helper.visibleOptions(cmd).map((o) => item(helper.optionTerm(o), helper.optionDescription(o)))),
      ...section("Comandos:", helper.visibleCommands(cmd).map((c) => item(helper.subcommandTerm(c), helper.subcommandDescription(c)))),
    ].join("\n");
  }
}

/**
 * commander's `Command`, speaking Spanish: its help (`Uso:`, `Opciones:`, values and
 * defaults), and its errors thrown as `UsageError` with a code of ours instead of printed in
 * English. Subcommands are made the same way.
 */
export class MasbCommand extends Command {
  override createCommand(name?: string): MasbCommand {
    return new MasbCommand(name);
  }

  override createHelp(): Help {
    return Object.assign(new SpanishHelp(), this.configureHelp());
  }

  override error(message: string, options?: { code?: string; exitCode?: number }): never {
    throw usageErrorOf(this, message, options?.code);
  }
}
