"""Housing provident fund (住房公积金) "一地办": remote loans on a signed certificate."""
