/** Randomness. A port so a simulation replays from its seed. */
export interface Random {
  bytes(n: number): Uint8Array;
  /** random UUID version 4, canonical lowercase */
  uuidV4(): string;
}
