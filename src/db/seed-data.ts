/** The guide's seed data: three authors and their seven books. */
export const seedAuthors = [
  {
    name: 'J.R.R. Tolkien',
    bio: 'The creator of Middle-earth and author of The Lord of the Rings.',
    books: ['The Fellowship of the Ring', 'The Two Towers', 'The Return of the King'],
  },
  {
    name: 'George R.R. Martin',
    bio: 'The author of the epic fantasy series A Song of Ice and Fire.',
    books: ['A Game of Thrones', 'A Clash of Kings'],
  },
  {
    name: 'J.K. Rowling',
    bio: 'The creator of the Harry Potter series.',
    books: ["Harry Potter and the Philosopher's Stone", 'Harry Potter and the Chamber of Secrets'],
  },
] as const;
