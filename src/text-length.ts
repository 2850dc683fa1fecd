/**
 * The length of `text` in characters (Unicode code points), as MySQL counts a VARCHAR's limit
 * and as people count: `"🎉".length` is 2 in JavaScript (UTF-16 units) but one character, so
 * limits checked with `.length` refused a subject of 150 emoji as over 200 characters.
 */
export function textLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
