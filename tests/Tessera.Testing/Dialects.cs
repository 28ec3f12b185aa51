namespace Tessera.Testing;

/// <summary>Theory data: every test that stores data runs once per SQL dialect.</summary>
public static class Dialects
{
    public static TheoryData<string> All => new() { "sqlite", "postgres" };
}
