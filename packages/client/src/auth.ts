/**
 * How a client proves who it is, in each of the forms the services accept (catalogue §2h).
 *
 * | type             | on the wire                                      | for                                   |
 * |------------------|--------------------------------------------------|---------------------------------------|
 * | `bearer`         | `Authorization: Bearer <token>` header           | OpenAI, Parley, Azure with an Entra token (Node) |
 * | `api-key-header` | `api-key: <key>` header                          | Azure OpenAI, Voice Live, Parley (Node) |
 * | `api-key-query`  | `?api-key=<key>`                                 | Voice Live and Parley from browsers   |
 * | `bearer-query`   | `?authorization=Bearer <token>`                  | Voice Live from browsers with a token |
 * | `subprotocol`    | subprotocols `realtime`, `openai-insecure-api-key.<key>` | OpenAI (ephemeral `ek_` keys) and Parley from browsers |
 *
 * Header forms need Node: browsers cannot set WebSocket headers.
 */
export type Auth =
  | { type: 'bearer'; token: string }
  | { type: 'api-key-header'; key: string }
  | { type: 'api-key-query'; key: string }
  | { type: 'bearer-query'; token: string }
  | { type: 'subprotocol'; key: string };

export interface AuthParts {
  headers: Record<string, string>;
  query: Record<string, string>;
  protocols: string[];
}

export function authParts(auth: Auth | undefined): AuthParts {
  const parts: AuthParts = { headers: {}, query: {}, protocols: [] };
  switch (auth?.type) {
    case 'bearer':
      parts.headers.Authorization = `Bearer ${auth.token}`;
      break;
    case 'api-key-header':
      parts.headers['api-key'] = auth.key;
      break;
    case 'api-key-query':
      parts.query['api-key'] = auth.key;
      break;
    case 'bearer-query':
      parts.query.authorization = `Bearer ${auth.token}`;
      break;
    case 'subprotocol':
      parts.protocols.push(`openai-insecure-api-key.${auth.key}`);
      break;
  }
  return parts;
}
