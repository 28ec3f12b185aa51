using Tessera.Server;

// Runs the server alone (`dotnet Tessera.Server.dll --data_dir D --database URL`); the `tessera` CLI is the
// usual way in. WebApplicationFactory starts the application through this entry point in tests.
var app = TesseraServer.Build(TesseraServer.CreateBuilder(args));
await app.RunAsync().ConfigureAwait(false);

/// <summary>Entry point marker for WebApplicationFactory.</summary>
public partial class Program;
