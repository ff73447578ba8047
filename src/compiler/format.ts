export function formatSpec(_text: string): string | null {
  return null;
}
