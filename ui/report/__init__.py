"""What leaves the program as documents: the AAR/IP as Markdown or one offline HTML
file with its charts, and the exercise's printable documents."""
