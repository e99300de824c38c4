/**
 * Hides passwords in anything that might be printed: connection URLs
 * (`postgres://user:secret@host`) and keyword strings (`password=secret`).
 *
 * @example redactSecrets('postgres://app:s3cret@db/x') === 'postgres://app:***@db/x'
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]*@/gi, '$1***@')
    .replace(/\b(password|sslpassword)=[^\s&'"]*/gi, '$1=***');
}
