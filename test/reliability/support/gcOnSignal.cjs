// Test harness preload (not app code): lets a test force a full garbage collection in the app process with
// SIGUSR2 before it reads the heap from /i/metrics, so heap figures show live memory rather than garbage.
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
});
