// Talks to the vaedyn service (#5). Every failure becomes an ApiError whose message is a
// sentence a researcher can act on, so the page never has to show a bare status code.

export class ApiError extends Error {}

async function failure(response) {
  let detail = response.statusText;
  try {
    const body = await response.json();
    if (body.error) detail = `${body.error.message} (${body.error.code})`;
  } catch {
    // Not the service's JSON error shape (a proxy page, say): keep the status text.
  }
  const retry = response.headers.get("Retry-After");
  const hint = retry ? ` Try again in ${retry} s.` : "";
  return new ApiError(`The server answered ${response.status}: ${detail}.${hint}`);
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(`Could not reach the server for ${path}: ${error.message}`);
  }
  if (!response.ok) throw await failure(response);
  return response;
}

export async function getJSON(path) {
  return (await send(path, { headers: { Accept: "application/json" } })).json();
}

// POSTs `body` and calls `onRecord` for every NDJSON record as it arrives. Resolves when
// the stream ends; rejects with an AbortError when `signal` aborts (the server notices the
// closed connection and stops computing within one step).
export async function streamRecords(path, body, signal, onRecord) {
  const response = await send(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" },
    body: JSON.stringify(body),
    signal,
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines) if (line.trim()) onRecord(JSON.parse(line));
  }
  if (pending.trim()) onRecord(JSON.parse(pending));
}
