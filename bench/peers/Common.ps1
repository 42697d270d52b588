# Helpers the pwsh peers share (dot-sourced by each peer).

function Add-PeerError([psobject] $Run, [string] $Message, [int] $Count = 1) {
    # Failures counted by message (the first 140 characters, the user's name left out), so the
    # report can say why.
    $Message = $Message -replace 'user\d{6}@contoso\.com', '<user>'
    if ($Message.Length -gt 140) { $Message = $Message.Substring(0, 140) }
    $Run.Failed += $Count
    $Run.Errors[$Message] = ($Run.Errors.ContainsKey($Message) ? $Run.Errors[$Message] : 0) + $Count
}

function Add-PeerSuccess([psobject] $Run, [int] $Count = 1) {
    $Run.Ok += $Count
    if ($null -ne $Run.Times) { for ($i = 0; $i -lt $Count; $i++) { $Run.Times.Add($Run.Clock.Elapsed.TotalSeconds) } }
}

function Get-HttpFailureText([System.Management.Automation.ErrorRecord] $ErrorRecord) {
    # 'HTTP 429' for an answer with a status, else the exception's own message.
    $response = $ErrorRecord.Exception.PSObject.Properties['Response']?.Value
    if ($response -and $response.StatusCode) { "HTTP $([int]$response.StatusCode)" } else { $ErrorRecord.Exception.Message }
}
