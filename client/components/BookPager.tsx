// The book a page at a time once it holds more open markets than one book
// view (500): which markets are shown, and buttons to the pages before and
// after. Hidden while a search by event is on (the search spans the book).
import type { Lobby } from "../models/lobby.ts";
import { VIEW_SIZE } from "../models/lobby.ts";

export function BookPager({ lobby }: { lobby: Lobby }) {
  const pages = lobby.pageCount.value;
  if (pages <= 1 || lobby.eventFilter.value.trim() !== "") return null;
  const page = lobby.page.value;
  const total = lobby.openCount.value;
  const first = page * VIEW_SIZE + 1;
  const last = Math.min(total, (page + 1) * VIEW_SIZE);
  return (
    <nav class="book-pager" aria-label="Pages of the book" data-testid="book-pager">
      <button type="button" class="btn" disabled={page === 0} onClick={() => (lobby.page.value = page - 1)} data-testid="book-prev">
        Previous {VIEW_SIZE}
      </button>
      <span data-testid="book-page" aria-live="polite">
        Open markets {first}–{last} of {total}
      </span>
      <button type="button" class="btn" disabled={page >= pages - 1} onClick={() => (lobby.page.value = page + 1)} data-testid="book-next">
        Next {VIEW_SIZE}
      </button>
    </nav>
  );
}
