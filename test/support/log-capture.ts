/** Captures what the authorizer writes to stdout and stderr (Powertools logs there), one parsed JSON line each. */
export interface LogCapture {
  readonly lines: string[];
  records(): Array<Record<string, unknown>>;
  restore(): void;
}

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  };
  const out = jest.spyOn(process.stdout, "write").mockImplementation(capture);
  const err = jest.spyOn(process.stderr, "write").mockImplementation(capture);
  return {
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** Every piece of a token that must never be logged: the whole and each of its three segments. */
export function tokenPieces(token: string): string[] {
  return [token, ...token.split(".").filter((segment) => segment.length >= 8)];
}
