// Server-Sent Events framing over a fetch() body (the WHATWG rules: \n, \r\n or \r line ends,
// data lines joined with \n, a blank line ends an event, comments ignored).
export async function* parseEventStream(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = 'message';
  let data = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let match;
      while ((match = /\r\n|\r|\n/.exec(buffer)) !== null) {
        // A \r at the very end may be the first half of \r\n: wait for the next read.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (data.length > 0) yield { type, data: data.join('\n') };
          type = 'message';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let fieldValue = colon < 0 ? '' : line.slice(colon + 1);
        if (fieldValue.startsWith(' ')) fieldValue = fieldValue.slice(1);
        if (field === 'data') data.push(fieldValue);
        else if (field === 'event') type = fieldValue || 'message';
      }
    }
  } finally {
    reader.releaseLock();
  }
}
