import argon2 from "argon2";
import { describe, expect, it, vi } from "vitest";
import { canonicalPhc, PasswordHasher } from "../../src/modules/auth/password.hasher.js";

const policy = (memoryCost: number, timeCost: number) => ({
  minLength: 12,
  maxLength: 256,
  requireComposition: false,
  argon2: { memoryCost, timeCost, parallelism: 1 },
  hashConcurrency: 2,
  hashConcurrencyUnderLoad: 1,
});

describe("PasswordHasher", () => {
  const hasher = new PasswordHasher(policy(19_456, 2));

  it("writes argon2id hashes in the reference parameter order m, t, p", async () => {
    const hash = await hasher.hash("correct horse battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await hasher.verify(hash, "correct horse battery")).toBe(true);
    expect(await hasher.verify(hash, "correct horse batter")).toBe(false);
  });

  it("still verifies hashes stored in node-argon2's own m, p, t order", async () => {
    const legacy = await argon2.hash("correct horse battery", { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(legacy).toContain("m=19456,p=1,t=2");
    expect(await hasher.verify(legacy, "correct horse battery")).toBe(true);
    expect(canonicalPhc(legacy)).toContain("m=19456,t=2,p=1");
    expect(hasher.needsRehash(legacy)).toBe(false);
  });

  it("asks for a rehash only when the stored hash is weaker than configured", async () => {
    const hash = await hasher.hash("correct horse battery");
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(new PasswordHasher(policy(24_576, 2)).needsRehash(hash)).toBe(true);
    expect(new PasswordHasher(policy(19_456, 3)).needsRehash(hash)).toBe(true);
    // A stronger hash (made by a newer instance during a rolling upgrade) is kept.
    const strong = await new PasswordHasher(policy(24_576, 3)).hash("correct horse battery");
    expect(hasher.needsRehash(strong)).toBe(false);
  });

  it("asks for a rehash of anything that is not argon2id, and never verifies garbage", async () => {
    const argon2i = await argon2.hash("correct horse battery", { type: argon2.argon2i, memoryCost: 19_456, timeCost: 2 });
    expect(hasher.needsRehash(argon2i)).toBe(true);
    expect(hasher.needsRehash("")).toBe(true);
    expect(hasher.needsRehash("$2b$10$abcdefghijklmnopqrstuv")).toBe(true);
    expect(await hasher.verify("", "x")).toBe(false);
    expect(await hasher.verify("$argon2id$v=19$m=19456,t=2,p=1$bad$bad", "x")).toBe(false);
  });

  it("spends a real verification on unknown accounts and always fails", async () => {
    expect(await hasher.verifyAgainstDummy("dummy password that no account has")).toBe(false);
  });

  it("gives argon2's kept block memory back once hashing pauses, not while it goes on", async () => {
    // This instance's release alone: argon2.releaseMemory is process-wide, and the other hashers
    // of this file arm their own timers (a spy on it counted theirs too, five calls under load).
    const release = vi.fn();
    const pausing = new PasswordHasher(policy(19_456, 2), { keepMemoryMs: 2_000, releaseMemory: release });
    const hash = await pausing.hash("correct horse battery");
    release.mockClear(); // the timer armed at construction may have fired during the first hash
    await pausing.verify(hash, "correct horse battery");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pausing.verify(hash, "correct horse battery");
    expect(release).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(release).toHaveBeenCalledTimes(1), { timeout: 10_000 });
  });
});
