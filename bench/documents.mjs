// Documents the benchmarks share.

/** A ~100 KB AsyncAPI 3.0 document: the Order Service pattern, many channels. */
export function hundredKilobytes() {
  const lines = ['asyncapi: 3.0.0', 'info:', '  title: Big Service', '  version: 1.0.0', 'channels:'];
  const messages = ['components:', '  messages:'];
  let i = 0;
  while (lines.join('\n').length + messages.join('\n').length < 100_000) {
    lines.push(`  ch${i}:`, `    address: orders/${i}`, '    messages:', `      M${i}:`, `        $ref: '#/components/messages/M${i}'`);
    messages.push(`    M${i}:`, `      name: M${i}`, '      payload:', '        type: object', '        required: [id]', '        properties:',
      '          id:', '            type: string', '          amount:', '            type: number', '            description: The amount in cents.');
    i++;
  }
  return [...lines, ...messages, ''].join('\n');
}
