import { ExpiringCache } from "../../lambda/core/expiring-cache";

describe("ExpiringCache", () => {
  it("returns a value until its expiry, then forgets it", () => {
    const cache = new ExpiringCache<string>(10);
    cache.set("a", "A", 1000);

    expect(cache.get("a", 999)).toBe("A");
    expect(cache.get("a", 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.get("a", 0)).toBeUndefined();
  });

  it("evicts the least recently used entry beyond its bound", () => {
    const cache = new ExpiringCache<string>(2);
    cache.set("a", "A", 1000);
    cache.set("b", "B", 1000);
    cache.get("a", 0); // a is now more recent than b

    cache.set("c", "C", 1000);

    expect(cache.size).toBe(2);
    expect(cache.get("b", 0)).toBeUndefined();
    expect(cache.get("a", 0)).toBe("A");
    expect(cache.get("c", 0)).toBe("C");
  });

  it("replaces a value and its expiry when set again", () => {
    const cache = new ExpiringCache<string>(2);
    cache.set("a", "old", 10);
    cache.set("a", "new", 20);

    expect(cache.size).toBe(1);
    expect(cache.get("a", 15)).toBe("new");
  });
});
