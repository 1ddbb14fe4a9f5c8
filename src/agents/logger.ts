/** One line per event, timestamped and tagged with the agent's name, for people and log collectors alike. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function consoleLogger(name: string): Logger {
  const line = (level: string, message: string) => `${new Date().toISOString()} ${level} [${name}] ${message}`;
  return {
    info: (message) => console.log(line("info ", message)),
    warn: (message) => console.warn(line("warn ", message)),
    error: (message) => console.error(line("error", message)),
  };
}

/** Collects lines in memory (tests and the demo read them back). */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}
