/** A binary min-heap; ties come out in no particular order. */
export class BinaryHeap<Item> {
  private readonly items: Item[] = [];

  constructor(private readonly compare: (left: Item, right: Item) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: Item): void {
    const items = this.items;
    items.push(item);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.compare(items[child]!, items[parent]!) >= 0) break;
      [items[child], items[parent]] = [items[parent]!, items[child]!];
      child = parent;
    }
  }

  pop(): Item | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      this.siftDown();
    }
    return top;
  }

  private siftDown(): void {
    const items = this.items;
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
      if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
      if (smallest === parent) return;
      [items[parent], items[smallest]] = [items[smallest]!, items[parent]!];
      parent = smallest;
    }
  }
}
