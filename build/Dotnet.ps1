# The C# half of the build and the module layout it produces:
#   bin/Microsoft.Graph.Entra.Rs.dll           (RootModule of the manifest)
#   runtimes/<rid>/native/<native library>     (found by NativeLibraryResolver)

function Invoke-DotnetBuild {
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string] $Configuration)
    Write-Step "dotnet build ($Configuration) -> bin/"
    $project = Join-Path $RepoRoot 'cmdlets/Microsoft.Graph.Entra.Rs.csproj'
    $arguments = @('build', $project, '-c', $Configuration, '-o', (Join-Path $RepoRoot 'bin'), '--nologo')
    if ($env:CI) { $arguments += '-p:ContinuousIntegrationBuild=true' }
    Invoke-Native dotnet $arguments -What 'dotnet build'
}

function Copy-NativeLibrary {
    # Puts the cdylib where the module looks for it, by rename (see Install-NativeLibrary.ps1).
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string] $Configuration)
    $fileName = Get-NativeFileName
    $source = Join-Path (Get-CargoProfileDir $RepoRoot $Configuration) $fileName
    if (-not (Test-Path -LiteralPath $source -PathType Leaf)) {
        throw "The native library was not built: '$source' is missing."
    }
    $destination = Join-Path $RepoRoot "runtimes/$(Get-RuntimeId)/native/$fileName"
    Install-NativeLibrary -Source $source -Destination $destination | Out-Null
    Write-Host "Installed $fileName in $(Split-Path -Parent $destination)"
}
