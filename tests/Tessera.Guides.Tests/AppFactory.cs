// The real server (every installed module) over a scratch database.
global using TesseraAppFactory = Tessera.Testing.TesseraAppFactory<Program>;
