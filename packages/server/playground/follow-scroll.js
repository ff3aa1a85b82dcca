/** Keeps a scrolling list at its newest entry, unless the user has scrolled up to read. */
export function appendFollowing(list, change) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  change();
  if (atBottom) list.scrollTop = list.scrollHeight;
}
