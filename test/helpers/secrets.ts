// The admin key the Worker under test runs with (vitest.config.ts's bindings), for every test that opens an admin session.
export const ADMIN_KEY = "test-admin-key-of-thirty-two-chars";
