import { describe, expect, it } from "vitest";
import { pageNumbers } from "./data-table";

describe("pageNumbers", () => {
  it("shows the first, the last and two either side of the current page, with gaps", () => {
    expect(pageNumbers(1, 1)).toEqual([1]);
    expect(pageNumbers(1, 5)).toEqual([1, 2, 3, null, 5]);
    expect(pageNumbers(6, 5000)).toEqual([1, null, 4, 5, 6, 7, 8, null, 5000]);
    expect(pageNumbers(3, 4)).toEqual([1, 2, 3, 4]);
  });
});
