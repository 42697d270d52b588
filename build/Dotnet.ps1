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
    # Puts the cdylib where the module looks for it.
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string] $Configuration)
    $fileName = Get-NativeFileName
    $source = Join-Path (Get-CargoProfileDir $RepoRoot $Configuration) $fileName
    if (-not (Test-Path -LiteralPath $source -PathType Leaf)) {
        throw "The native library was not built: '$source' is missing."
    }
    $destinationDir = Join-Path $RepoRoot "runtimes/$(Get-RuntimeId)/native"
    New-Item -ItemType Directory -Force -Path $destinationDir | Out-Null
    Copy-Item -LiteralPath $source -Destination $destinationDir -Force
    Write-Host "Copied $fileName to $destinationDir"
}
