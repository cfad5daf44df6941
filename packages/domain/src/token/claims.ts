/** What a token says about its bearer (README "Tokens"). */
export type TokenClaims =
  | { readonly type: 'p'; readonly providerId: string }
  | { readonly type: 'a'; readonly userId: string; readonly clientId?: string }
  | { readonly type: 'b'; readonly providerId: string; readonly botId: string; readonly convId: string };

export type TokenType = TokenClaims['type'];
