/**
 * Tool calls, shown and answered: a function call waits for the user to type its output; an MCP
 * approval request waits for Approve or Deny; an MCP call shows how it went.
 */

function card(kind, title, argumentsJson) {
  const article = document.createElement('article');
  article.className = `tool-card ${kind}`;
  const heading = document.createElement('h3');
  heading.textContent = title;
  const args = document.createElement('pre');
  args.textContent = prettyJson(argumentsJson);
  const status = document.createElement('p');
  status.className = 'status';
  article.append(heading, args, status);
  return { article, status };
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text ?? '';
  }
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

export class ToolCalls {
  #container;
  #send;
  #cards = new Map();

  /** @param {(event: object) => void} send */
  constructor(container, send) {
    this.#container = container;
    this.#send = send;
  }

  /** A `function_call` item the model finished: the user plays the function. */
  functionCall(item) {
    if (this.#cards.has(item.call_id)) return;
    const { article, status } = card('function', `function ${item.name}`, item.arguments);
    const output = document.createElement('textarea');
    output.rows = 2;
    output.placeholder = 'The function’s output, e.g. {"temperature_c": 21}';
    const reply = button('Send output', () => {
      this.#send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: item.call_id, output: output.value } });
      this.#send({ type: 'response.create' });
      output.disabled = reply.disabled = true;
      status.textContent = 'output sent';
    });
    article.append(output, reply);
    status.textContent = 'waiting for your output';
    this.#show(item.call_id, article);
  }

  /**
   * An `mcp_approval_request` item. Parley starts the next response itself once the answer is
   * in (docs/tools.md), so no `response.create` follows it.
   */
  approvalRequest(item) {
    if (this.#cards.has(item.id)) return;
    const { article, status } = card('approval', `${item.server_label} · ${item.name} wants to run`, item.arguments);
    const reason = document.createElement('input');
    reason.placeholder = 'reason (optional)';
    const answer = (approve) => {
      this.#send({
        type: 'conversation.item.create',
        previous_item_id: item.id,
        item: { type: 'mcp_approval_response', approval_request_id: item.id, approve, ...(reason.value ? { reason: reason.value } : {}) },
      });
      approveButton.disabled = denyButton.disabled = reason.disabled = true;
      status.textContent = approve ? 'approved' : 'denied';
    };
    const approveButton = button('Approve', () => answer(true));
    const denyButton = button('Deny', () => answer(false));
    denyButton.className = 'deny';
    article.append(reason, approveButton, denyButton);
    status.textContent = 'waiting for your approval';
    this.#show(item.id, article);
  }

  /** An `mcp_call` item, whenever it changes. */
  mcpCall(item, state) {
    if (!this.#cards.has(item.id)) this.#show(item.id, card('mcp', `${item.server_label} · ${item.name}`, item.arguments).article);
    const { article, status } = this.#cards.get(item.id);
    if (item.arguments) article.querySelector('pre').textContent = prettyJson(item.arguments);
    const error = item.error?.message;
    status.textContent = error ? `failed: ${error}` : item.output != null ? `${state}: ${item.output}` : state;
  }

  clear() {
    this.#cards.clear();
    this.#container.replaceChildren();
  }

  #show(key, article) {
    this.#cards.set(key, { article, status: article.querySelector('.status') });
    this.#container.prepend(article);
  }
}
