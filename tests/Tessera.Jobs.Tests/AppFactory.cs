// The shared application factory, over this project's entry point (Tessera.Server's Program).
global using TesseraAppFactory = Tessera.Testing.TesseraAppFactory<Program>;
