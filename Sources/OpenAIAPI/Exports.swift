@_exported import JSONValues
