// The catalogue's public surface.
export * from './catalogue';
export { MIGRATIONS, latestVersion } from './migrations';
