# Dot-sourced from each test file's BeforeAll: imports the module from the repository root and
# provides helpers shared by the tests. Needs a prior ./build.ps1 (the Test task does it).

$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$ManifestPath = Join-Path $RepoRoot 'Microsoft.Graph.Entra.Rs.psd1'

# Get-PwshPath, Get-RuntimeId, Get-NativeFileName: the build's own definitions, so tests
# check the C# side against them.
. (Join-Path $RepoRoot 'build/Common.ps1')

Import-Module $ManifestPath -ErrorAction Stop

function Invoke-ChildPwsh {
    <#
    Runs a script in a fresh pwsh (a clean process: no native library loaded yet, its own
    environment) and returns @{ Output = <lines>; ExitCode = <int> }. $Environment entries are
    set for the child only ($null removes a variable).
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $Script 2>&1 | ForEach-Object { "$_" }
        @{ Output = @($output); ExitCode = $LASTEXITCODE }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}
